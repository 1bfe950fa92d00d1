// Badge printing: templates, renderers (PDF, ZPL, PNG previews) and printer drivers.
// No database code here, so both the server and the kiosk can use it.
export {
  CATEGORIES,
  DEFAULT_CATEGORY_STYLES,
  TEMPLATES,
  TemplateError,
  badgeTemplateSchema,
  categoryStyle,
  getTemplate,
  parseTemplate,
  type BadgeData,
  type BadgeTemplate,
  type BadgeTemplateInput,
  type BuiltInTemplateId,
  type Box,
  type Category,
  type Locale,
  type NameElement,
  type TextElement,
} from "./template";
export {
  cleanText,
  fitParagraphs,
  layoutBadge,
  splitPieces,
  type BadgeLayout,
  type Block,
  type FitOptions,
  type FittedText,
  type FontFace,
  type MeasureFn,
  type RenderMetrics,
  type TextBlock,
  type TextLine,
} from "./layout";
export { layoutBadgePdf, missingGlyphs, renderBadgePdf, renderBadgesPdf, PT_PER_MM, type PdfOptions, type ProgressFn } from "./pdf";
export { escapeZplText, layoutBadgeZpl, renderBadgeZpl, renderBadgesZpl, ZPL_DOTS_PER_MM, type ZplDpi, type ZplOptions } from "./zpl";
export { preloadBadgeFonts, FONT_MODULE_PATHS } from "./fonts";
export { pdfToPng, renderBadgePng, renderZplPng, type PdfToPngOptions } from "./preview";
export * from "./drivers/index";
