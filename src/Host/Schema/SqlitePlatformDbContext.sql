CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL
);

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

CREATE UNIQUE INDEX "IX_ApiKeys_Hash" ON "ApiKeys" ("Hash");

CREATE INDEX "IX_OutboxMessages_ProcessedAt_NextAttemptAt" ON "OutboxMessages" ("ProcessedAt", "NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126063221_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "ApiKeys" ADD "LastUsedAt" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129234336_ApiKeyLastUsed', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "PluginStates" (
    "PluginId" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    CONSTRAINT "PK_PluginStates" PRIMARY KEY ("PluginId", "Key")
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130025941_PluginState', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "AuditEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditEntries" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "Subject" TEXT NULL,
    "Detail" TEXT NULL,
    "By" TEXT NULL,
    "Module" TEXT NOT NULL,
    "At" INTEGER NOT NULL
);

CREATE INDEX "IX_AuditEntries_At" ON "AuditEntries" ("At");

CREATE INDEX "IX_AuditEntries_Kind_At" ON "AuditEntries" ("Kind", "At");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130053252_PrivacyAudit', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202105935_InboxProcessedAtIndex', '10.0.15');

COMMIT;

