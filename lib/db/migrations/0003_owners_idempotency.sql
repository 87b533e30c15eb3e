ALTER TABLE "media" ADD COLUMN "owner_id" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "owner_id" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "owner_name" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE INDEX "tasks_owner_created_at_idx" ON "tasks" USING btree ("owner_id","created_at");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_idempotency_key_unique" UNIQUE("idempotency_key");