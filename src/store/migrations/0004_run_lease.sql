ALTER TABLE `tasks` ADD `lease` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `lease_holder` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `lease_until` integer;