// i18next setup: Chinese (zh-CN) first, English beside it; the chosen language is remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';
import type { I18nText } from '../../../engine/index.js';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'mingcheng.lang';

function stored(): Language {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'en' || v === 'zh-CN' ? v : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: stored(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

/** Switches the UI language and remembers it. */
export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // Private mode: the switch still applies to this tab.
  }
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

/** The rule set's own bilingual text in the UI language (rule content is labelled by the rule set, not by the translation files). */
export function pick(text: I18nText | null | undefined, lang: string): string {
  if (!text) return '';
  return lang.startsWith('en') ? text.en : text.zh;
}

export default i18n;
