ALTER TABLE "tasks" ADD COLUMN "result_url" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "result_copy_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "result_copy_error" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "result_copy_next_at" timestamp with time zone;
