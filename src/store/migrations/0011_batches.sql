CREATE TABLE `batch_tasks` (
	`batch_id` text NOT NULL,
	`task_id` text NOT NULL,
	`line` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `task_id`)
);
--> statement-breakpoint
CREATE INDEX `batch_tasks_task` ON `batch_tasks` (`task_id`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`requester` text NOT NULL,
	`name` text NOT NULL,
	`refused` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `batches_requester` ON `batches` (`requester`);