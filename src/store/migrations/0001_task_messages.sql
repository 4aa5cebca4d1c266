CREATE TABLE `task_messages` (
	`task_id` text NOT NULL,
	`surface` text NOT NULL,
	`channel` text NOT NULL,
	`message_id` text NOT NULL,
	`thread_id` text,
	`announced` text,
	`final_posted_at` integer,
	PRIMARY KEY(`task_id`, `surface`)
);
