import type { TokenProvider, TokenSource } from '../ports/account';
import type { TokenDeps } from './tokens';

/**
 * The token source, with openid-client loaded only when an OAuth2 account first asks for a token
 * (most commands never do). Each account's provider is made once and kept.
 */
export function lazyTokenSource(deps: TokenDeps): TokenSource {
  let loaded: Promise<TokenSource> | undefined;
  return (account, secret) => {
    let provider: Promise<TokenProvider> | undefined;
    return {
      async accessToken(options) {
        provider ??= (loaded ??= import('./tokens').then((m) => m.tokenSource(deps))).then((source) => source(account, secret));
        return (await provider).accessToken(options);
      },
    };
  };
}
