CREATE TABLE "gateway_facts" (
	"gateway" text NOT NULL,
	"name" text NOT NULL,
	"value" jsonb NOT NULL,
	"learned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_facts_gateway_name_pk" PRIMARY KEY("gateway","name")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "unknown_since" timestamp with time zone;