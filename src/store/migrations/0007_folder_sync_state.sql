CREATE TABLE `folder_sync` (
	`pair` text NOT NULL,
	`source_folder` text NOT NULL,
	`destination_folder` text NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`pair`, `source_folder`)
);
