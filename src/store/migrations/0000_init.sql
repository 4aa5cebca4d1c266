CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_task` ON `audit` (`task_id`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`task_id` text NOT NULL,
	`side` text NOT NULL,
	`iv` text NOT NULL,
	`tag` text NOT NULL,
	`ciphertext` text NOT NULL,
	PRIMARY KEY(`task_id`, `side`)
);
--> statement-breakpoint
CREATE TABLE `folder_reports` (
	`task_id` text NOT NULL,
	`source_folder` text NOT NULL,
	`destination_folder` text NOT NULL,
	`status` text NOT NULL,
	`source_count` integer DEFAULT 0 NOT NULL,
	`copied` integer DEFAULT 0 NOT NULL,
	`already_present` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`destination_count` integer,
	`note` text,
	`warning` text,
	PRIMARY KEY(`task_id`, `source_folder`)
);
--> statement-breakpoint
CREATE TABLE `journal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`folder` text NOT NULL,
	`uid_validity` text,
	`uid` integer,
	`min_uid` integer,
	`dedupe_key` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journal_task_folder` ON `journal` (`task_id`,`folder`);--> statement-breakpoint
CREATE TABLE `steps` (
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`position` integer NOT NULL,
	`status` text NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`copied` integer DEFAULT 0 NOT NULL,
	`already_present` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`error` text,
	PRIMARY KEY(`task_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`requester` text NOT NULL,
	`source_login` text NOT NULL,
	`source` text NOT NULL,
	`destination` text NOT NULL,
	`items` text NOT NULL,
	`notify` text,
	`cancel_requested_at` integer,
	`cancelled_by` text,
	`error` text,
	`end_status` text,
	`rollback_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`rollback_until` integer,
	`purged_at` integer
);
--> statement-breakpoint
CREATE INDEX `tasks_requester` ON `tasks` (`requester`);--> statement-breakpoint
CREATE INDEX `tasks_status` ON `tasks` (`status`);