CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "Assets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Assets" PRIMARY KEY,
    "Title" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "JourneyStage" TEXT NOT NULL,
    "Url" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "Campaigns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Campaigns" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "CostAmount" TEXT NULL,
    "CostCurrency" TEXT NULL,
    "StartsOn" TEXT NULL,
    "EndsOn" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "Forms" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Forms" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "AssetId" TEXT NULL,
    "CampaignId" TEXT NULL,
    "Fields" TEXT NOT NULL,
    "Consents" TEXT NOT NULL,
    "OffersCallback" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "InboxMessages" (
    "MessageId" TEXT NOT NULL,
    "Consumer" TEXT NOT NULL,
    "ProcessedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_InboxMessages" PRIMARY KEY ("MessageId", "Consumer")
);

CREATE TABLE "LandingPages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_LandingPages" PRIMARY KEY,
    "Slug" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Body" TEXT NOT NULL,
    "FormId" TEXT NOT NULL,
    "CampaignId" TEXT NULL,
    "Visits" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
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

CREATE TABLE "Submissions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Submissions" PRIMARY KEY,
    "FormId" TEXT NOT NULL,
    "Fields" TEXT NOT NULL,
    "ConsentsGranted" TEXT NOT NULL,
    "CallbackRequested" INTEGER NOT NULL,
    "UtmSource" TEXT NULL,
    "UtmMedium" TEXT NULL,
    "UtmCampaign" TEXT NULL,
    "SubmittedAt" INTEGER NOT NULL,
    "LeadId" TEXT NULL
);

CREATE UNIQUE INDEX "IX_LandingPages_Slug" ON "LandingPages" ("Slug");

CREATE INDEX "IX_OutboxMessages_ProcessedAt_NextAttemptAt" ON "OutboxMessages" ("ProcessedAt", "NextAttemptAt");

CREATE INDEX "IX_Submissions_FormId" ON "Submissions" ("FormId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126063145_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "LandingPages" DROP COLUMN "Visits";

ALTER TABLE "Submissions" ADD "AssetId" TEXT NULL;

ALTER TABLE "Submissions" ADD "CampaignId" TEXT NULL;

ALTER TABLE "Submissions" ADD "Consents" TEXT NULL;

ALTER TABLE "Submissions" ADD "LandingPageId" TEXT NULL;

ALTER TABLE "Submissions" ADD "VisitorId" TEXT NULL;

ALTER TABLE "LandingPages" ADD "Language" TEXT NULL;

ALTER TABLE "Forms" ADD "UpdatedAt" INTEGER NULL;

ALTER TABLE "Assets" ADD "Interest" TEXT NULL;

CREATE TABLE "Downloads" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Downloads" PRIMARY KEY,
    "AssetId" TEXT NOT NULL,
    "SubmissionId" TEXT NOT NULL,
    "At" INTEGER NOT NULL
);

CREATE TABLE "Settings" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_Settings" PRIMARY KEY,
    "Value" TEXT NOT NULL
);

CREATE TABLE "VisitorLeads" (
    "VisitorId" TEXT NOT NULL CONSTRAINT "PK_VisitorLeads" PRIMARY KEY,
    "LeadId" TEXT NOT NULL,
    "At" INTEGER NOT NULL
);

CREATE TABLE "Visits" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Visits" PRIMARY KEY,
    "LandingPageId" TEXT NOT NULL,
    "CampaignId" TEXT NULL,
    "VisitorId" TEXT NOT NULL,
    "Interest" TEXT NULL,
    "At" INTEGER NOT NULL,
    "LeadId" TEXT NULL
);

CREATE INDEX "IX_Submissions_SubmittedAt" ON "Submissions" ("SubmittedAt");

CREATE INDEX "IX_Downloads_AssetId" ON "Downloads" ("AssetId");

CREATE INDEX "IX_Visits_At" ON "Visits" ("At");

CREATE INDEX "IX_Visits_LandingPageId" ON "Visits" ("LandingPageId");

CREATE INDEX "IX_Visits_VisitorId" ON "Visits" ("VisitorId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130024108_InboundVisitsAssetsForms', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_Visits_LeadId_At" ON "Visits" ("LeadId", "At");

CREATE INDEX "IX_Submissions_LeadId" ON "Submissions" ("LeadId");

CREATE INDEX "IX_Downloads_SubmissionId" ON "Downloads" ("SubmissionId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130113151_ContentTimelineIndexes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202105812_InboxProcessedAtIndex', '10.0.15');

COMMIT;

