// Shapes shared by the templates (which produce them) and the mailer (which sends them).

export interface MailAttachment {
  filename?: string;
  content: Buffer | string;
  contentType: string;
  /** Set for inline images referenced from the HTML as cid:... */
  cid?: string;
  contentDisposition?: "inline" | "attachment";
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
}
