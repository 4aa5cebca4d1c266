/**
 * RTF bodies as Outlook writes them (MS-OXRTFEX): HTML encapsulated in RTF ("\fromhtml1": the HTML
 * is in \*\htmltag groups and plain text runs, RTF-only parts between \htmlrtf and \htmlrtf0),
 * and plain text encapsulated in RTF ("\fromtext"). Code page 1252 escapes (\'e9) and a Unicode
 * character (\u8364) as Outlook writes non-ASCII text.
 */
export const RTF_HTML = [
  '{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\fbidis \\deff0{\\fonttbl',
  '{\\f0\\fswiss\\fcharset0 Arial;}',
  '{\\f1\\fmodern Courier New;}',
  '{\\f2\\fnil\\fcharset2 Symbol;}',
  '{\\f3\\fmodern\\fcharset0 Courier New;}}',
  '{\\colortbl\\red0\\green0\\blue0;\\red0\\green0\\blue255;}',
  '\\uc1\\pard\\plain\\deftab360 \\f0\\fs24 ',
  '{\\*\\htmltag19 <html>}',
  '{\\*\\htmltag34 <head>}',
  '{\\*\\htmltag161 <meta http-equiv="Content-Type" content="text/html; charset=windows-1252">}',
  '{\\*\\htmltag241 <style>p.MsoNormal \\{margin:0cm;font-family:Calibri\\}</style>}',
  '{\\*\\htmltag41 </head>}',
  '{\\*\\htmltag50 <body lang="FR">}\\htmlrtf {\\htmlrtf0 ',
  '{\\*\\htmltag64 <p class=MsoNormal>}\\htmlrtf {\\htmlrtf0 Caf\\\'e9 au lait \\u8364\\\'80 3,50 \\htmlrtf \\par \\htmlrtf0',
  '{\\*\\htmltag84 <b>}\\htmlrtf {\\b \\htmlrtf0 gras\\htmlrtf }\\htmlrtf0 ',
  '{\\*\\htmltag92 </b>}',
  '{\\*\\htmltag84 <img src="cid:image001.png@01DA0001.5F5E1000" alt="logo">}',
  '{\\*\\htmltag72 </p>}\\htmlrtf }\\htmlrtf0 ',
  '{\\*\\htmltag58 </body>}',
  '{\\*\\htmltag27 </html>}}',
].join('\r\n');

/** The HTML a correct de-encapsulation of RTF_HTML gives (charset rewritten to UTF-8: the text is Unicode now). */
export const RTF_HTML_PARTS = ['<html>', '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">', 'p.MsoNormal {margin:0cm;font-family:Calibri}', '<body lang="FR">', 'Café au lait € 3,50', '<b>gras</b>', '<img src="cid:image001.png@01DA0001.5F5E1000" alt="logo">', '</html>'];

export const RTF_TEXT = '{\\rtf1\\ansi\\ansicpg1252\\fromtext \\deff0{\\fonttbl\r\n{\\f0\\fswiss Arial;}}\r\n\\uc1\\pard\\plain\\f0\\fs20 Bonjour \\\'e0 tous,\\par\r\nla r\\\'e9union est d\\\'e9plac\\\'e9e.\\par\r\n}';

/** A Word-style RTF body that encapsulates nothing. */
export const RTF_PLAIN = '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}\\pard\\plain\\f0\\fs24 Just {\\b rich} text.\\par}';
