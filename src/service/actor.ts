/** Who asks: a chat user or a CLI operator. Admins may act on anyone's task. */
export interface Actor {
  /** Stable identity, e.g. "slack:U123", "discord:42", "cli:alice". */
  id: string;
  /** How to show the actor ("@alice"). */
  label: string;
  admin: boolean;
}
