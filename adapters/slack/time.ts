/**
 * A time as Slack shows it to each reader in their own time zone (their profile's, the one
 * users.info reports as `tz`): `<!date^unix^format|fallback>`, the fallback in UTC for clients
 * that cannot. https://api.slack.com/reference/surfaces/formatting#date-formatting
 */
export function slackTime(at: string | Date, format: 'datetime' | 'time' = 'datetime'): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const token = format === 'time' ? '{time}' : '{date_short_pretty} {time}';
  const fallback = format === 'time' ? `${d.toISOString().slice(11, 16)} UTC` : `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  return `<!date^${Math.floor(d.getTime() / 1000)}^${token}|${fallback}>`;
}
