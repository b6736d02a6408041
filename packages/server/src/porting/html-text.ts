/**
 * Reader HTML from another system becomes Parley's allowed text (IMPORT-5). Until Markdown exists
 * that is plain text: paragraphs as blank lines, line breaks kept, a link as its text followed by
 * its URL (`some link [https://…]`, or the URL alone when the text is the URL), images by their alt
 * text, and nothing else — no tag, no attribute, no script survives, because nothing is kept as
 * HTML: the converter parses (htmlparser2) and writes text only.
 *
 * `html-to-text` (html-to-text/node-html-to-text, maintained, 30 M downloads a month) rather than
 * a sanitizer that returns HTML: we want text, and a sanitizer's output would still be markup to
 * convert; rather than regexes: entity decoding, nesting and broken markup are its job.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';

const base: HtmlToTextOptions = {
  wordwrap: false,
  decodeEntities: true,
  selectors: [
    {
      selector: 'a',
      // Only web links are kept as URLs: `javascript:`, `data:` and the like leave just their text.
      options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true, linkBrackets: ['[', ']'], pathRewrite: (href: string) => (/^https?:\/\//i.test(href) ? href : '') },
    },
    { selector: 'img', format: 'skip' },
    { selector: 'p', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
};
const disqusOptions: HtmlToTextOptions = { ...base, preserveNewlines: false };
// WordPress stores comments as typed: a newline is a line break (wpautop adds <p>/<br> on display).
const wordpressOptions: HtmlToTextOptions = { ...base, preserveNewlines: true };

const tidy = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** Disqus messages are HTML (`<p>`, `<br>`, `<a>`): whitespace in the source is not a line break. */
export const disqusHtmlToText = (html: string): string => tidy(convert(html, disqusOptions));

/** WordPress comment content: HTML where newlines ARE line breaks (leading indentation dropped). */
export const wordpressHtmlToText = (html: string): string =>
  tidy(
    convert(
      html
        .split('\n')
        .map((line) => line.trim())
        .join('\n'),
      wordpressOptions,
    ),
  );
