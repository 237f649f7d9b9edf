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

CREATE TABLE "Leads" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Leads" PRIMARY KEY,
    "Email" TEXT NULL,
    "Phone" TEXT NULL,
    "FirstName" TEXT NULL,
    "LastName" TEXT NULL,
    "Company" TEXT NULL,
    "JobTitle" TEXT NULL,
    "PostalCode" TEXT NULL,
    "Kind" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Score" INTEGER NOT NULL,
    "CallbackRequestedAt" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
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

CREATE TABLE "LeadConsentEntry" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LeadConsentEntry" PRIMARY KEY AUTOINCREMENT,
    "LeadId" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "Granted" INTEGER NOT NULL,
    "Text" TEXT NULL,
    "Proof" TEXT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_LeadConsentEntry_Leads_LeadId" FOREIGN KEY ("LeadId") REFERENCES "Leads" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ScoreEntry" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ScoreEntry" PRIMARY KEY AUTOINCREMENT,
    "LeadId" TEXT NOT NULL,
    "Rule" TEXT NOT NULL,
    "Points" INTEGER NOT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_ScoreEntry_Leads_LeadId" FOREIGN KEY ("LeadId") REFERENCES "Leads" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Sources" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Sources" PRIMARY KEY AUTOINCREMENT,
    "LeadId" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "CampaignId" TEXT NULL,
    "AssetId" TEXT NULL,
    "Detail" TEXT NULL,
    "Reference" TEXT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_Sources_Leads_LeadId" FOREIGN KEY ("LeadId") REFERENCES "Leads" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_LeadConsentEntry_LeadId" ON "LeadConsentEntry" ("LeadId");

CREATE UNIQUE INDEX "IX_Leads_Email" ON "Leads" ("Email");

CREATE UNIQUE INDEX "IX_Leads_Phone" ON "Leads" ("Phone");

CREATE INDEX "IX_Leads_Status" ON "Leads" ("Status");

CREATE INDEX "IX_OutboxMessages_ProcessedAt_NextAttemptAt" ON "OutboxMessages" ("ProcessedAt", "NextAttemptAt");

CREATE INDEX "IX_ScoreEntry_LeadId" ON "ScoreEntry" ("LeadId");

CREATE INDEX "IX_Sources_LeadId" ON "Sources" ("LeadId");

CREATE INDEX "IX_Sources_Reference" ON "Sources" ("Reference");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126063152_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Leads" ADD "SearchText" TEXT NULL;

UPDATE "Leads" SET "SearchText" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(coalesce("FirstName", '') || ' ' || coalesce("LastName", '') || ' ' || coalesce("Company", '') || ' ' || coalesce("Email", '')), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'ç', 'c'), 'Ç', 'c'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'ñ', 'n'), 'Ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss');

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130000827_LeadSearchText', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Sources" ADD "MergeId" TEXT NULL;

ALTER TABLE "ScoreEntry" ADD "ActionKey" TEXT NULL;

ALTER TABLE "ScoreEntry" ADD "Detail" TEXT NULL;

ALTER TABLE "ScoreEntry" ADD "Interest" TEXT NULL;

ALTER TABLE "ScoreEntry" ADD "MergeId" TEXT NULL;

ALTER TABLE "Leads" ADD "AcceptedAt" INTEGER NULL;

ALTER TABLE "Leads" ADD "CampaignId" TEXT NULL;

ALTER TABLE "Leads" ADD "Channel" TEXT NULL;

ALTER TABLE "Leads" ADD "CompanyKey" TEXT NULL;

ALTER TABLE "Leads" ADD "CustomerAt" INTEGER NULL;

ALTER TABLE "Leads" ADD "EditedFields" TEXT NULL;

ALTER TABLE "Leads" ADD "JourneyStage" TEXT NOT NULL DEFAULT 'awareness';

ALTER TABLE "Leads" ADD "PhoneAsTyped" TEXT NULL;

ALTER TABLE "Leads" ADD "QualifiedAt" INTEGER NULL;

ALTER TABLE "Leads" ADD "RejectedAt" INTEGER NULL;

ALTER TABLE "Leads" ADD "RejectionReason" TEXT NULL;

ALTER TABLE "LeadConsentEntry" ADD "Channel" TEXT NOT NULL DEFAULT 'any';

ALTER TABLE "LeadConsentEntry" ADD "Kind" TEXT NOT NULL DEFAULT 'consumer';

ALTER TABLE "LeadConsentEntry" ADD "MergeId" TEXT NULL;

CREATE TABLE "ImportErrors" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ImportErrors" PRIMARY KEY AUTOINCREMENT,
    "ImportId" TEXT NOT NULL,
    "Row" INTEGER NOT NULL,
    "Message" TEXT NOT NULL
);

CREATE TABLE "Imports" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Imports" PRIMARY KEY,
    "Status" TEXT NOT NULL,
    "FileName" TEXT NULL,
    "StagedFile" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "CreatedBy" TEXT NULL,
    "CommittedRow" INTEGER NOT NULL,
    "Rows" INTEGER NOT NULL,
    "Created" INTEGER NOT NULL,
    "Merged" INTEGER NOT NULL,
    "Rejected" INTEGER NOT NULL,
    "Encoding" TEXT NULL,
    "Delimiter" TEXT NULL,
    "Failure" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "FinishedAt" INTEGER NULL,
    "LockedBy" TEXT NULL,
    "LockedUntil" INTEGER NULL
);

CREATE TABLE "Merges" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Merges" PRIMARY KEY,
    "LeadId" TEXT NOT NULL,
    "MatchedOn" TEXT NOT NULL,
    "FilledFields" TEXT NULL,
    "Captured" TEXT NOT NULL,
    "Reference" TEXT NULL,
    "At" INTEGER NOT NULL,
    "UndoneAt" INTEGER NULL,
    "UndoneBy" TEXT NULL,
    "RecreatedLeadId" TEXT NULL
);

CREATE TABLE "MqlDefinitions" (
    "Version" INTEGER NOT NULL CONSTRAINT "PK_MqlDefinitions" PRIMARY KEY,
    "Definition" TEXT NOT NULL,
    "ChangedBy" TEXT NOT NULL,
    "ChangedAt" INTEGER NOT NULL
);

CREATE TABLE "StatusChanges" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_StatusChanges" PRIMARY KEY AUTOINCREMENT,
    "LeadId" TEXT NOT NULL,
    "From" TEXT NOT NULL,
    "To" TEXT NOT NULL,
    "Reason" TEXT NULL,
    "By" TEXT NULL,
    "At" INTEGER NOT NULL
);

CREATE INDEX "IX_Sources_MergeId" ON "Sources" ("MergeId");

CREATE INDEX "IX_ScoreEntry_MergeId" ON "ScoreEntry" ("MergeId");

CREATE INDEX "IX_Leads_CompanyKey" ON "Leads" ("CompanyKey");

CREATE INDEX "IX_Leads_CreatedAt" ON "Leads" ("CreatedAt");

CREATE INDEX "IX_Leads_CustomerAt" ON "Leads" ("CustomerAt");

CREATE INDEX "IX_Leads_PostalCode" ON "Leads" ("PostalCode");

CREATE INDEX "IX_Leads_QualifiedAt" ON "Leads" ("QualifiedAt");

CREATE INDEX "IX_Leads_RejectedAt" ON "Leads" ("RejectedAt");

CREATE INDEX "IX_LeadConsentEntry_MergeId" ON "LeadConsentEntry" ("MergeId");

CREATE INDEX "IX_ImportErrors_ImportId_Row" ON "ImportErrors" ("ImportId", "Row");

CREATE INDEX "IX_Imports_Status" ON "Imports" ("Status");

CREATE INDEX "IX_Merges_LeadId" ON "Merges" ("LeadId");

CREATE INDEX "IX_StatusChanges_LeadId" ON "StatusChanges" ("LeadId");

UPDATE "Leads" SET "Channel" = (SELECT s."Channel" FROM "Sources" s WHERE s."LeadId" = "Leads"."Id" ORDER BY s."Id" LIMIT 1), "CampaignId" = (SELECT s."CampaignId" FROM "Sources" s WHERE s."LeadId" = "Leads"."Id" ORDER BY s."Id" LIMIT 1), "QualifiedAt" = CASE WHEN "Status" <> 'new' THEN "UpdatedAt" END;

UPDATE "LeadConsentEntry" SET "Kind" = (SELECT l."Kind" FROM "Leads" l WHERE l."Id" = "LeadConsentEntry"."LeadId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130024343_LeadsInbound', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "ErasedIdentifiers" (
    "Hash" TEXT NOT NULL CONSTRAINT "PK_ErasedIdentifiers" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "ErasedAt" INTEGER NOT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130053221_Privacy', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Leads" ADD "LinkedInUrl" TEXT NULL;

CREATE UNIQUE INDEX "IX_Leads_LinkedInUrl" ON "Leads" ("LinkedInUrl");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130064142_AddLeadLinkedInUrl', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP INDEX "IX_Leads_CompanyKey";

DROP INDEX "IX_Leads_Status";

ALTER TABLE "Leads" ADD "NameKey" TEXT NULL;

UPDATE "Leads" SET "NameKey" = nullif(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(trim(coalesce("LastName", '') || ' ' || coalesce("FirstName", ''))), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'ç', 'c'), 'Ç', 'c'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'ñ', 'n'), 'Ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss'), '') WHERE "LastName" IS NOT NULL OR "FirstName" IS NOT NULL;

CREATE INDEX "IX_Leads_CompanyKey_Id" ON "Leads" ("CompanyKey", "Id");

CREATE INDEX "IX_Leads_Email_Id" ON "Leads" ("Email", "Id");

CREATE INDEX "IX_Leads_NameKey_Id" ON "Leads" ("NameKey", "Id");

CREATE INDEX "IX_Leads_SearchText_Id" ON "Leads" ("SearchText", "Id");

CREATE INDEX "IX_Leads_Status_Id" ON "Leads" ("Status", "Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130092934_LeadListIndexes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Sources" ADD "ReferredBy" TEXT NULL;

CREATE INDEX "IX_Sources_ReferredBy" ON "Sources" ("ReferredBy");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130103308_LeadReferredBy', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP INDEX "IX_Sources_MergeId";

DROP INDEX "IX_Sources_ReferredBy";

DROP INDEX "IX_Leads_CustomerAt";

DROP INDEX "IX_Leads_Email_Id";

DROP INDEX "IX_Leads_QualifiedAt";

DROP INDEX "IX_Leads_RejectedAt";

CREATE INDEX "IX_Sources_MergeId" ON "Sources" ("MergeId") WHERE "MergeId" IS NOT NULL;

CREATE INDEX "IX_Sources_ReferredBy" ON "Sources" ("ReferredBy") WHERE "ReferredBy" IS NOT NULL;

CREATE INDEX "IX_Leads_CustomerAt" ON "Leads" ("CustomerAt") WHERE "CustomerAt" IS NOT NULL;

CREATE INDEX "IX_Leads_QualifiedAt" ON "Leads" ("QualifiedAt") WHERE "QualifiedAt" IS NOT NULL;

CREATE INDEX "IX_Leads_RejectedAt" ON "Leads" ("RejectedAt") WHERE "RejectedAt" IS NOT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130143944_LeadImportIndexes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202105824_InboxProcessedAtIndex', '10.0.15');

COMMIT;

