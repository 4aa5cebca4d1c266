CREATE TABLE `sign_ins` (
	`account` text PRIMARY KEY NOT NULL,
	`iv` text NOT NULL,
	`tag` text NOT NULL,
	`ciphertext` text NOT NULL,
	`scope` text,
	`updated_at` integer NOT NULL
);
