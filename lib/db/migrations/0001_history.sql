DROP INDEX "tasks_created_at_idx";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "combination" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "result_seconds" real;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "poster_key" text;--> statement-breakpoint
CREATE INDEX "tasks_status_created_at_idx" ON "tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "tasks_combination_created_at_idx" ON "tasks" USING btree ("combination","created_at");--> statement-breakpoint
CREATE INDEX "tasks_created_at_idx" ON "tasks" USING btree ("created_at","id");