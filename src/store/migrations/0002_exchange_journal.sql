ALTER TABLE `journal` ADD `item_ref` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `payload` text;