CREATE TABLE "sequence_shots" (
	"sequence_id" text NOT NULL,
	"position" integer NOT NULL,
	"task_id" text NOT NULL,
	"reroll_status" text,
	"reroll_error" text,
	"reroll_by" text,
	"reroll_by_name" text,
	CONSTRAINT "sequence_shots_sequence_id_position_pk" PRIMARY KEY("sequence_id","position")
);
--> statement-breakpoint
CREATE TABLE "sequences" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text DEFAULT 'local' NOT NULL,
	"owner_name" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sequence_shots" ADD CONSTRAINT "sequence_shots_sequence_id_sequences_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."sequences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sequence_shots_task_idx" ON "sequence_shots" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "sequence_shots_reroll_idx" ON "sequence_shots" USING btree ("reroll_status");--> statement-breakpoint
CREATE INDEX "sequences_updated_idx" ON "sequences" USING btree ("updated_at");