import { localeFromRequest, translate, type Locale, type MessageKey } from "~/i18n";

export function serverT(request: Request) {
  const locale: Locale = localeFromRequest(request);
  return { locale, t: (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params) };
}
