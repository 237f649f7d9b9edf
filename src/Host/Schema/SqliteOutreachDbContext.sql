CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "Enrollments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Enrollments" PRIMARY KEY,
    "ProspectId" TEXT NOT NULL,
    "SequenceId" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "StopReason" TEXT NULL,
    "Steps" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
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

CREATE TABLE "Sequences" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Sequences" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Steps" TEXT NOT NULL,
    "StopOnReply" INTEGER NOT NULL,
    "IsDefault" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "Tasks" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Tasks" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "ProspectId" TEXT NOT NULL,
    "EnrollmentId" TEXT NOT NULL,
    "StepIndex" INTEGER NOT NULL,
    "Owner" TEXT NULL,
    "DueAt" INTEGER NOT NULL,
    "Instructions" TEXT NULL,
    "Status" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

INSERT INTO "Sequences" ("Id", "CreatedAt", "IsDefault", "Name", "Steps", "StopOnReply")
VALUES ('default-callback', 1309267722240000000, 1, 'Rappel puis étude énergétique gratuite / Callback, then free energy study', '[{"kind":"call","waitDays":0,"subject":null,"body":null,"instructions":"Call back: the person asked to be called. Offer a free energy study and book it."},{"kind":"email","waitDays":2,"subject":"Votre \u00E9tude \u00E9nerg\u00E9tique gratuite","body":"Bonjour, suite \u00E0 votre demande, nous vous proposons une \u00E9tude \u00E9nerg\u00E9tique gratuite de votre logement.","instructions":null}]', 1);
SELECT changes();


CREATE UNIQUE INDEX "IX_Enrollments_ProspectId_SequenceId" ON "Enrollments" ("ProspectId", "SequenceId");

CREATE INDEX "IX_OutboxMessages_ProcessedAt_NextAttemptAt" ON "OutboxMessages" ("ProcessedAt", "NextAttemptAt");

CREATE INDEX "IX_Tasks_Status_Owner_DueAt" ON "Tasks" ("Status", "Owner", "DueAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126063205_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Enrollments" RENAME COLUMN "Steps" TO "Contact";

ALTER TABLE "Tasks" ADD "CompletedAt" INTEGER NULL;

ALTER TABLE "Tasks" ADD "Notes" TEXT NULL;

ALTER TABLE "Tasks" ADD "Outcome" TEXT NULL;

ALTER TABLE "Enrollments" ADD "Email" TEXT NULL;

ALTER TABLE "Enrollments" ADD "Owner" TEXT NULL;

ALTER TABLE "Enrollments" ADD "Phone" TEXT NULL;

CREATE TABLE "Activities" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Activities" PRIMARY KEY,
    "ProspectId" TEXT NULL,
    "LeadId" TEXT NULL,
    "EnrollmentId" TEXT NULL,
    "StepId" TEXT NULL,
    "Channel" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Outcome" TEXT NULL,
    "DurationSeconds" INTEGER NULL,
    "Owner" TEXT NULL,
    "Notes" TEXT NULL,
    "ProviderMessageId" TEXT NULL,
    "EventId" TEXT NULL,
    "OccurredAt" INTEGER NOT NULL
);

CREATE TABLE "RecordedMessages" (
    "MessageId" TEXT NOT NULL CONSTRAINT "PK_RecordedMessages" PRIMARY KEY,
    "Channel" TEXT NOT NULL,
    "Recipient" TEXT NOT NULL,
    "Subject" TEXT NULL,
    "Body" TEXT NULL,
    "Requests" INTEGER NOT NULL,
    "RecordedAt" INTEGER NOT NULL
);

CREATE TABLE "Steps" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Steps" PRIMARY KEY,
    "EnrollmentId" TEXT NOT NULL,
    "ProspectId" TEXT NOT NULL,
    "StepIndex" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "DueAt" INTEGER NOT NULL,
    "LockedBy" TEXT NULL,
    "LockedUntil" INTEGER NULL,
    "Attempts" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "BlockedReason" TEXT NULL,
    "Outcome" TEXT NULL,
    "DoneAt" INTEGER NULL
);

UPDATE "Sequences" SET "Steps" = '[{"kind":"call","waitDays":0,"subject":null,"body":null,"instructions":"Call back: the person asked to be called. Offer a free energy study and book it.","branches":null},{"kind":"email","waitDays":2,"subject":"Votre \u00E9tude \u00E9nerg\u00E9tique gratuite","body":"Bonjour, suite \u00E0 votre demande, nous vous proposons une \u00E9tude \u00E9nerg\u00E9tique gratuite de votre logement.","instructions":null,"branches":null}]'
WHERE "Id" = 'default-callback';
SELECT changes();


CREATE INDEX "IX_Tasks_ProspectId" ON "Tasks" ("ProspectId");

CREATE INDEX "IX_Enrollments_Email" ON "Enrollments" ("Email");

CREATE INDEX "IX_Enrollments_Phone" ON "Enrollments" ("Phone");

CREATE UNIQUE INDEX "IX_Enrollments_ProspectId_Active" ON "Enrollments" ("ProspectId") WHERE "Status" = 'active';

CREATE UNIQUE INDEX "IX_Activities_EventId" ON "Activities" ("EventId");

CREATE INDEX "IX_Activities_OccurredAt" ON "Activities" ("OccurredAt");

CREATE INDEX "IX_Activities_ProspectId" ON "Activities" ("ProspectId");

CREATE INDEX "IX_Activities_ProviderMessageId" ON "Activities" ("ProviderMessageId");

CREATE UNIQUE INDEX "IX_Steps_EnrollmentId_StepIndex" ON "Steps" ("EnrollmentId", "StepIndex");

CREATE INDEX "IX_Steps_Status_DueAt" ON "Steps" ("Status", "DueAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130030358_Outbound', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "RecordedMessages" ADD "UnsubscribeUrl" TEXT NULL;

CREATE TABLE "Suppressions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Suppressions" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "Value" TEXT NULL,
    "Reason" TEXT NOT NULL,
    "By" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "IX_Suppressions_Hash" ON "Suppressions" ("Hash");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130053143_Privacy', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "Meetings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Meetings" PRIMARY KEY,
    "ProspectId" TEXT NULL,
    "LeadId" TEXT NULL,
    "Owner" TEXT NULL,
    "StartsAt" INTEGER NOT NULL,
    "EndsAt" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "AttendeeName" TEXT NULL,
    "AttendeeEmail" TEXT NULL,
    "Notes" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "IX_Meetings_Owner_StartsAt_Booked" ON "Meetings" ("Owner", "StartsAt") WHERE "Status" = 'booked';

CREATE INDEX "IX_Meetings_ProspectId" ON "Meetings" ("ProspectId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130065329_Meetings', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Enrollments" ADD "Account" TEXT NULL;

CREATE INDEX "IX_Enrollments_Account_Status" ON "Enrollments" ("Account", "Status");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130070126_AccountStop', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "BookingProfiles" (
    "Owner" TEXT NOT NULL CONSTRAINT "PK_BookingProfiles" PRIMARY KEY,
    "TimeZone" TEXT NOT NULL,
    "WorkStart" TEXT NOT NULL,
    "WorkEnd" TEXT NOT NULL,
    "MeetingMinutes" INTEGER NOT NULL,
    "BufferMinutes" INTEGER NOT NULL,
    "BusyFeedUrl" TEXT NULL,
    "DisplayName" TEXT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130090133_BookingProfiles', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Steps" ADD "Variant" TEXT NULL;

UPDATE "Sequences" SET "Steps" = '[{"kind":"call","waitDays":0,"subject":null,"body":null,"instructions":"Call back: the person asked to be called. Offer a free energy study and book it.","branches":null,"variants":null},{"kind":"email","waitDays":2,"subject":"Votre \u00E9tude \u00E9nerg\u00E9tique gratuite","body":"Bonjour, suite \u00E0 votre demande, nous vous proposons une \u00E9tude \u00E9nerg\u00E9tique gratuite de votre logement.","instructions":null,"branches":null,"variants":null}]'
WHERE "Id" = 'default-callback';
SELECT changes();


INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130113735_ScheduledStepVariant', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_Activities_LeadId" ON "Activities" ("LeadId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130145053_ActivityLeadIndex', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202105846_InboxProcessedAtIndex', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_Tasks_Status_DueAt" ON "Tasks" ("Status", "DueAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261202115529_ListIndexes', '10.0.15');

COMMIT;

