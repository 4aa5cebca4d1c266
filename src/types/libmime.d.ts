// libmime ships no types; only what Tern calls.
declare module 'libmime' {
  const libmime: {
    decodeWords(text: string): string;
    /** "text/plain; charset=utf-8" → { value: 'text/plain', params: { charset: 'utf-8' } } (RFC 2231 parameters joined and decoded). */
    parseHeaderValue(text: string): { value: string; params: Record<string, string> };
  };
  export default libmime;
}
