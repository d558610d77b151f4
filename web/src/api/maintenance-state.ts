/** Whether the API told us it is in maintenance (503 MAINTENANCE_MODE); read by the banner. */
type Listener = () => void;

let inMaintenance = false;
const listeners = new Set<Listener>();

export function setMaintenance(value: boolean): void {
  if (value === inMaintenance) return;
  inMaintenance = value;
  for (const listener of listeners) listener();
}

export function maintenanceSnapshot(): boolean {
  return inMaintenance;
}

export function subscribeMaintenance(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
