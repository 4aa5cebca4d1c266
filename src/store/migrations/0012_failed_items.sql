CREATE TABLE `failed_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`category` text NOT NULL,
	`reason` text NOT NULL,
	`folder` text NOT NULL,
	`item_date` integer,
	`subject` text,
	`item_ref` text,
	`count` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `failed_items_task` ON `failed_items` (`task_id`);--> statement-breakpoint
ALTER TABLE `steps` ADD `total_bytes` integer DEFAULT 0 NOT NULL;