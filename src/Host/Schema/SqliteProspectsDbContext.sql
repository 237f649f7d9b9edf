CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "InboxMessages" (
    "MessageId" TEXT NOT NULL,
    "Consumer" TEXT NOT NULL,
    "ProcessedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_InboxMessages" PRIMARY KEY ("MessageId", "Consumer")
);

CREATE TABLE "OutboxMessages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OutboxMessages" PRIMARY KEY,
    "Type" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "OccurredAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LockedBy" TEXT NULL,
    "LockedUntil" INTEGER NULL,
    "ProcessedAt" INTEGER NULL,
    "LastError" TEXT NULL
);

CREATE TABLE "Prospects" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Prospects" PRIMARY KEY,
    "LeadId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "FitScore" INTEGER NOT NULL,
    "FitReasons" TEXT NOT NULL,
    "PersonaId" TEXT NULL,
    "Owner" TEXT NULL,
    "Stage" TEXT NOT NULL,
    "Outcome" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE INDEX "IX_OutboxMessages_ProcessedAt_NextAttemptAt" ON "OutboxMessages" ("ProcessedAt", "NextAttemptAt");

CREATE UNIQUE INDEX "IX_Prospects_LeadId" ON "Prospects" ("LeadId");

CREATE INDEX "IX_Prospects_Stage_Owner" ON "Prospects" ("Stage", "Owner");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126063158_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Prospects" ADD "FirstTouchAt" INTEGER NULL;

ALTER TABLE "Prospects" ADD "IcpId" TEXT NULL;

ALTER TABLE "Prospects" ADD "LastTouchAt" INTEGER NULL;

ALTER TABLE "Prospects" ADD "OutcomeAt" INTEGER NULL;

ALTER TABLE "Prospects" ADD "OutcomeReason" TEXT NULL;

CREATE TABLE "Accounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Accounts" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "NormalizedName" TEXT NOT NULL,
    "Siren" TEXT NULL,
    "NafCode" TEXT NULL,
    "HeadcountBand" TEXT NULL,
    "RevenueBand" TEXT NULL,
    "Country" TEXT NULL,
    "Departement" TEXT NULL
);

CREATE TABLE "Icps" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Icps" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Criteria" TEXT NOT NULL,
    "MinFit" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

CREATE TABLE "Personas" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Personas" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "TitleKeywords" TEXT NOT NULL,
    "Seniorities" TEXT NOT NULL,
    "Function" TEXT NULL,
    "CallScript" TEXT NULL,
    "TemplateVariant" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "IX_Accounts_NormalizedName" ON "Accounts" ("NormalizedName");

CREATE INDEX "IX_Accounts_Siren" ON "Accounts" ("Siren");

CREATE UNIQUE INDEX "IX_Icps_Name" ON "Icps" ("Name");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130030319_Outbound', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_Prospects_Outcome_CreatedAt_Id" ON "Prospects" ("Outcome", "CreatedAt" DESC, "Id");

CREATE INDEX "IX_Prospects_Outcome_OutcomeAt" ON "Prospects" ("Outcome", "OutcomeAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130113806_ProspectOutcomeIndexes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202105836_InboxProcessedAtIndex', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP INDEX "IX_Prospects_Stage_Owner";

CREATE INDEX "IX_Prospects_Owner_Id" ON "Prospects" ("Owner", "Id");

CREATE INDEX "IX_Prospects_Stage_Id" ON "Prospects" ("Stage", "Id");

CREATE INDEX "IX_Prospects_Stage_Outcome_CreatedAt_Id" ON "Prospects" ("Stage", "Outcome", "CreatedAt" DESC, "Id");

CREATE INDEX "IX_Prospects_Stage_Owner_Id" ON "Prospects" ("Stage", "Owner", "Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202115505_ListIndexes', '10.0.15');

COMMIT;

