// libmime ships no types; only what Tern calls.
declare module 'libmime' {
  const libmime: { decodeWords(text: string): string };
  export default libmime;
}
