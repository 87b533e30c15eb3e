ALTER TABLE "media" ADD COLUMN "derived_from" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "parent_task_id" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "parent_cut" jsonb;