import type { BoxRole, CollabRole } from './types.ts';

/** The demo enterprise "Demo Co": who works there and what they keep in Box. */
export interface DemoUser {
  login: string;
  name: string;
  role: BoxRole;
  jobTitle: string;
}

export const DEMO_USERS: DemoUser[] = [
  { login: 'admin@demo.example', name: 'Demo Admin', role: 'admin', jobTitle: 'Box Administrator' },
  { login: 'coadmin@demo.example', name: 'Demo Co-Admin', role: 'coadmin', jobTitle: 'IT Manager' },
  { login: 'user@demo.example', name: 'Demo User', role: 'user', jobTitle: 'Project Manager' },
  { login: 'akiko.tanaka@demo.example', name: 'Akiko Tanaka', role: 'user', jobTitle: 'Finance Director' },
  { login: 'marcus.webb@demo.example', name: 'Marcus Webb', role: 'user', jobTitle: 'General Counsel' },
  { login: 'priya.natarajan@demo.example', name: 'Priya Natarajan', role: 'user', jobTitle: 'HR Manager' },
  { login: 'jonas.berg@demo.example', name: 'Jonas Berg', role: 'user', jobTitle: 'Engineering Lead' },
  { login: 'sofia.alvarez@demo.example', name: 'Sofia Alvarez', role: 'user', jobTitle: 'Sales Director' },
  { login: 'kenji.mori@demo.example', name: 'Kenji Mori', role: 'user', jobTitle: 'Accountant' },
  { login: 'emma.laurent@demo.example', name: 'Emma Laurent', role: 'user', jobTitle: 'Paralegal' },
  { login: 'liam.oconnor@demo.example', name: "Liam O'Connor", role: 'user', jobTitle: 'Business Analyst' },
];

export interface DemoFolder {
  name: string;
  files?: string[];
  folders?: DemoFolder[];
  collabs?: [login: string, role: CollabRole][];
}

export interface DemoTree extends DemoFolder {
  owner: string;
}

const quarter = (year: number, q: number): DemoFolder => ({
  name: `Q${q}`,
  folders: [
    {
      name: 'Invoices',
      files: [1, 2, 3, 4].map((n) => `Invoice-${year}-Q${q}-${String(n).padStart(3, '0')}.pdf`),
    },
    { name: 'Reports', files: [`Financial Report ${year} Q${q}.xlsx`, `Cash Flow ${year} Q${q}.csv`] },
  ],
});

export const DEMO_TREES: DemoTree[] = [
  {
    name: 'Finance',
    owner: 'akiko.tanaka@demo.example',
    collabs: [
      ['admin@demo.example', 'co-owner'],
      ['kenji.mori@demo.example', 'editor'],
      ['liam.oconnor@demo.example', 'viewer'],
    ],
    folders: [
      { name: '2024', folders: [1, 2, 3, 4].map((q) => quarter(2024, q)) },
      {
        name: '2025',
        folders: [1, 2].map((q) => quarter(2025, q)),
        collabs: [['user@demo.example', 'editor']],
      },
      { name: 'Budgets', files: ['Budget 2025.xlsx', 'Budget 2026 Draft.xlsx', 'Headcount Plan.csv'] },
      {
        name: 'Audit',
        files: ['Audit Evidence 2024.pdf', 'Auditor Requests.csv', 'Management Letter 2024.pdf'],
      },
    ],
  },
  {
    name: 'Legal',
    owner: 'marcus.webb@demo.example',
    collabs: [
      ['admin@demo.example', 'viewer'],
      ['emma.laurent@demo.example', 'editor'],
    ],
    folders: [
      {
        name: 'Contracts',
        folders: [
          {
            name: 'Customers',
            files: [
              'Acme MSA.pdf',
              'Acme Order Form 2025.pdf',
              'Globex MSA.pdf',
              'Initech SOW.docx',
              'Umbrella DPA.pdf',
            ],
          },
          {
            name: 'Vendors',
            files: ['Cloud Hosting Agreement.pdf', 'Payroll Provider Contract.pdf', 'Office Lease.pdf'],
          },
          {
            name: 'NDAs',
            files: [
              'NDA - Acme.pdf',
              'NDA - Globex.pdf',
              'NDA - Initech.pdf',
              'NDA - Hooli.pdf',
              'NDA - Vandelay.pdf',
            ],
            collabs: [['partner@lawfirm.example', 'viewer']],
          },
        ],
      },
      {
        name: 'Policies',
        files: ['Data Retention Policy.pdf', 'Code of Conduct.pdf', 'Whistleblower Policy.pdf'],
      },
      {
        name: 'Litigation',
        folders: [
          { name: 'Case 2025-014', files: ['Complaint.pdf', 'Evidence Index.xlsx', 'Counsel Notes.docx'] },
        ],
      },
    ],
  },
  {
    name: 'HR',
    owner: 'priya.natarajan@demo.example',
    collabs: [
      ['admin@demo.example', 'viewer'],
      ['coadmin@demo.example', 'editor'],
    ],
    folders: [
      { name: 'Policies', files: ['Employee Handbook.pdf', 'Leave Policy.docx', 'Remote Work Policy.docx'] },
      { name: 'Onboarding', files: ['Onboarding Checklist.docx', 'IT Setup.md', 'Welcome Pack.pdf'] },
      {
        name: 'Reviews',
        folders: [
          {
            name: '2025',
            files: [
              'Review - Kenji Mori.docx',
              'Review - Emma Laurent.docx',
              "Review - Liam O'Connor.docx",
              'Review - Demo User.docx',
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'Engineering',
    owner: 'jonas.berg@demo.example',
    collabs: [
      ['liam.oconnor@demo.example', 'editor'],
      ['user@demo.example', 'viewer'],
    ],
    folders: [
      { name: 'Specs', files: ['Audit Trail Spec.md', 'API Design.md', 'Data Model.md'] },
      { name: 'Architecture', files: ['Overview.md', 'Diagrams.pdf', 'Decisions.md'] },
      { name: 'Runbooks', files: ['Incident Response.md', 'Backup and Restore.md', 'On-call.md'] },
    ],
  },
  {
    name: 'Sales',
    owner: 'sofia.alvarez@demo.example',
    collabs: [['user@demo.example', 'editor']],
    folders: [
      {
        name: 'Proposals',
        files: ['Proposal - Acme.docx', 'Proposal - Globex.docx', 'Proposal - Hooli.pptx'],
      },
      { name: 'Pricing', files: ['Price List 2025.xlsx', 'Discount Approvals.csv'] },
    ],
  },
  {
    name: 'Board',
    owner: 'admin@demo.example',
    collabs: [['akiko.tanaka@demo.example', 'viewer']],
    folders: [
      {
        name: 'Minutes',
        folders: [
          {
            name: '2025',
            files: [
              'Minutes 2025-01.pdf',
              'Minutes 2025-02.pdf',
              'Minutes 2025-03.pdf',
              'Minutes 2025-04.pdf',
            ],
          },
        ],
      },
      {
        name: 'Resolutions',
        files: ['Resolution 2025-01 Dividend.pdf', 'Resolution 2025-02 Auditor Appointment.pdf'],
      },
    ],
  },
  {
    name: 'Compliance',
    owner: 'admin@demo.example',
    collabs: [['coadmin@demo.example', 'editor']],
    folders: [
      { name: 'SOX', files: ['Controls Matrix.xlsx', 'Test Results Q1.xlsx', 'Deficiency Log.csv'] },
      {
        name: 'ISO 27001',
        files: ['Statement of Applicability.xlsx', 'Risk Register.xlsx', 'Internal Audit Report.pdf'],
      },
    ],
  },
  {
    name: 'Projects',
    owner: 'user@demo.example',
    collabs: [['jonas.berg@demo.example', 'editor']],
    folders: [
      { name: 'Website Redesign', files: ['Plan.md', 'Timeline.xlsx', 'Requirements.docx'] },
      { name: 'Data Migration', files: ['Notes.txt', 'Checklist.csv', 'Cutover Plan.docx'] },
    ],
  },
];
