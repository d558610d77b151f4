/** i18next with the English and Japanese catalogues bundled (no loading step, no flash of keys). */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { configureApiClient } from '../api/api-client.ts';
import en from './en.json';
import ja from './ja.json';
import { isLanguage, type LanguageCode, preferredLanguage, rememberLanguage } from './languages.ts';

export const resources = { en: { translation: en }, ja: { translation: ja } } as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: preferredLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'ja'],
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

function applyToDocument(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.name');
}

applyToDocument(i18n.language);
i18n.on('languageChanged', (lng) => {
  applyToDocument(lng);
  if (isLanguage(lng)) rememberLanguage(lng);
});

configureApiClient({
  language: () => currentLanguage(),
  networkErrorMessage: () => i18n.t('errors.network'),
  unexpectedErrorMessage: (status) => i18n.t('errors.unexpected', { status }),
});

export function currentLanguage(): LanguageCode {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

export function changeLanguage(code: LanguageCode): Promise<unknown> {
  return i18n.changeLanguage(code);
}

export { i18n };
