CREATE TABLE "take_sets" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text DEFAULT 'local' NOT NULL,
	"owner_name" text,
	"takes" integer NOT NULL,
	"picked_task_id" text,
	"picked_by" text,
	"picked_at" timestamp with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "negative_prompt" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "seed" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "prompt_extend" boolean;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "watermark" boolean;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "take_set_id" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "take_index" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "submit_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "next_submit_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "take_sets_picked_idx" ON "take_sets" USING btree ("picked_task_id");--> statement-breakpoint
CREATE INDEX "tasks_take_set_idx" ON "tasks" USING btree ("take_set_id","take_index");