import type { TokenOptions } from '../ports/account';

/**
 * The scopes that get a token for another resource than the sign-in's own, from the same sign-in.
 * Exchange Online's IMAP takes only a token for the Outlook resource, never a Graph one.
 */
const AUDIENCE_SCOPES: Record<NonNullable<TokenOptions['audience']>, { delegated: string; appOnly: string }> = {
  outlook: { delegated: 'https://outlook.office.com/IMAP.AccessAsUser.All', appOnly: 'https://outlook.office365.com/.default' },
};

/** The scope to ask for a token of that audience; undefined for the sign-in's own. */
export function audienceScope(audience: TokenOptions['audience'], kind: 'delegated' | 'appOnly'): string | undefined {
  return audience ? AUDIENCE_SCOPES[audience][kind] : undefined;
}
