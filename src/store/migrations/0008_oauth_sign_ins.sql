CREATE TABLE `oauth_apps` (
	`domain` text PRIMARY KEY NOT NULL,
	`issuer` text NOT NULL,
	`client_id` text NOT NULL,
	`scope` text,
	`iv` text NOT NULL,
	`tag` text NOT NULL,
	`ciphertext` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sign_ins` (
	`account` text PRIMARY KEY NOT NULL,
	`iv` text NOT NULL,
	`tag` text NOT NULL,
	`ciphertext` text NOT NULL,
	`scope` text,
	`updated_at` integer NOT NULL
);
