ALTER TABLE `tasks` ADD `waiting_since` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `waiting_for` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `next_try_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `retries` integer DEFAULT 0 NOT NULL;