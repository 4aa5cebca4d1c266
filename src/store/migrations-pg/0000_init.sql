CREATE TABLE "audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"detail" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"task_id" text NOT NULL,
	"side" text NOT NULL,
	"iv" text NOT NULL,
	"tag" text NOT NULL,
	"ciphertext" text NOT NULL,
	CONSTRAINT "credentials_task_id_side_pk" PRIMARY KEY("task_id","side")
);
--> statement-breakpoint
CREATE TABLE "failed_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"reason" text NOT NULL,
	"folder" text NOT NULL,
	"item_date" bigint,
	"subject" text,
	"item_ref" text,
	"count" bigint DEFAULT 1 NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "folder_reports" (
	"task_id" text NOT NULL,
	"source_folder" text NOT NULL,
	"destination_folder" text NOT NULL,
	"status" text NOT NULL,
	"source_count" bigint DEFAULT 0 NOT NULL,
	"copied" bigint DEFAULT 0 NOT NULL,
	"already_present" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"destination_count" bigint,
	"note" text,
	"warning" text,
	"failures" text,
	CONSTRAINT "folder_reports_task_id_source_folder_pk" PRIMARY KEY("task_id","source_folder")
);
--> statement-breakpoint
CREATE TABLE "folder_sync" (
	"pair" text NOT NULL,
	"source_folder" text NOT NULL,
	"destination_folder" text NOT NULL,
	"state" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "folder_sync_pair_source_folder_pk" PRIMARY KEY("pair","source_folder")
);
--> statement-breakpoint
CREATE TABLE "journal" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"kind" text NOT NULL,
	"folder" text NOT NULL,
	"entry_key" text,
	"ref" text,
	"scope" text,
	"watermark" bigint,
	"payload" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_apps" (
	"domain" text PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"scope" text,
	"credential_kind" text DEFAULT 'secret' NOT NULL,
	"iv" text NOT NULL,
	"tag" text NOT NULL,
	"ciphertext" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_ins" (
	"account" text PRIMARY KEY NOT NULL,
	"iv" text NOT NULL,
	"tag" text NOT NULL,
	"ciphertext" text NOT NULL,
	"scope" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"task_id" text NOT NULL,
	"kind" text NOT NULL,
	"position" bigint NOT NULL,
	"status" text NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"copied" bigint DEFAULT 0 NOT NULL,
	"already_present" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"total_bytes" bigint DEFAULT 0 NOT NULL,
	"started_at" bigint,
	"ended_at" bigint,
	"error" text,
	CONSTRAINT "steps_task_id_kind_pk" PRIMARY KEY("task_id","kind")
);
--> statement-breakpoint
CREATE TABLE "task_messages" (
	"task_id" text NOT NULL,
	"surface" text NOT NULL,
	"channel" text NOT NULL,
	"message_id" text NOT NULL,
	"thread_id" text,
	"announced" text,
	"final_posted_at" bigint,
	CONSTRAINT "task_messages_task_id_surface_pk" PRIMARY KEY("task_id","surface")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"requester" text NOT NULL,
	"source_login" text NOT NULL,
	"source" text NOT NULL,
	"destination" text NOT NULL,
	"items" text NOT NULL,
	"notify" text,
	"options" text,
	"cancel_requested_at" bigint,
	"cancelled_by" text,
	"error" text,
	"end_status" text,
	"rollback_error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"started_at" bigint,
	"ended_at" bigint,
	"rollback_until" bigint,
	"purged_at" bigint,
	"lease" bigint DEFAULT 0 NOT NULL,
	"lease_holder" text,
	"lease_until" bigint,
	"waiting_since" bigint,
	"waiting_for" text,
	"next_try_at" bigint,
	"retries" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "batch_tasks" (
	"batch_id" text NOT NULL,
	"task_id" text NOT NULL,
	"line" bigint NOT NULL,
	CONSTRAINT "batch_tasks_batch_id_task_id_pk" PRIMARY KEY("batch_id","task_id")
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" text PRIMARY KEY NOT NULL,
	"requester" text NOT NULL,
	"name" text NOT NULL,
	"refused" text DEFAULT '[]' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_task" ON "audit" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "failed_items_task" ON "failed_items" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "journal_task_folder" ON "journal" USING btree ("task_id","folder");--> statement-breakpoint
CREATE INDEX "tasks_requester" ON "tasks" USING btree ("requester");--> statement-breakpoint
CREATE INDEX "tasks_status" ON "tasks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "batch_tasks_task" ON "batch_tasks" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "batches_requester" ON "batches" USING btree ("requester");