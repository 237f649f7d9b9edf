using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Outbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Steps",
                schema: "outreach",
                table: "Enrollments",
                newName: "Contact");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CompletedAt",
                schema: "outreach",
                table: "Tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                schema: "outreach",
                table: "Tasks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                schema: "outreach",
                table: "Tasks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Email",
                schema: "outreach",
                table: "Enrollments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                schema: "outreach",
                table: "Enrollments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                schema: "outreach",
                table: "Enrollments",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Activities",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ProspectId = table.Column<string>(type: "text", nullable: true),
                    LeadId = table.Column<string>(type: "text", nullable: true),
                    EnrollmentId = table.Column<string>(type: "text", nullable: true),
                    StepId = table.Column<string>(type: "text", nullable: true),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    DurationSeconds = table.Column<int>(type: "integer", nullable: true),
                    Owner = table.Column<string>(type: "text", nullable: true),
                    Notes = table.Column<string>(type: "text", nullable: true),
                    ProviderMessageId = table.Column<string>(type: "text", nullable: true),
                    EventId = table.Column<string>(type: "text", nullable: true),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Activities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecordedMessages",
                schema: "outreach",
                columns: table => new
                {
                    MessageId = table.Column<string>(type: "text", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    Recipient = table.Column<string>(type: "text", nullable: false),
                    Subject = table.Column<string>(type: "text", nullable: true),
                    Body = table.Column<string>(type: "text", nullable: true),
                    Requests = table.Column<int>(type: "integer", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordedMessages", x => x.MessageId);
                });

            migrationBuilder.CreateTable(
                name: "Steps",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    EnrollmentId = table.Column<string>(type: "text", nullable: false),
                    ProspectId = table.Column<string>(type: "text", nullable: false),
                    StepIndex = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    LockedBy = table.Column<string>(type: "text", nullable: true),
                    LockedUntil = table.Column<long>(type: "bigint", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    BlockedReason = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    DoneAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Steps", x => x.Id);
                });

            migrationBuilder.UpdateData(
                schema: "outreach",
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\",\"branches\":null},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null,\"branches\":null}]");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_ProspectId",
                schema: "outreach",
                table: "Tasks",
                column: "ProspectId");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Email",
                schema: "outreach",
                table: "Enrollments",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Phone",
                schema: "outreach",
                table: "Enrollments",
                column: "Phone");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_ProspectId_Active",
                schema: "outreach",
                table: "Enrollments",
                column: "ProspectId",
                unique: true,
                filter: "\"Status\" = 'active'");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_EventId",
                schema: "outreach",
                table: "Activities",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Activities_OccurredAt",
                schema: "outreach",
                table: "Activities",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_ProspectId",
                schema: "outreach",
                table: "Activities",
                column: "ProspectId");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_ProviderMessageId",
                schema: "outreach",
                table: "Activities",
                column: "ProviderMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_Steps_EnrollmentId_StepIndex",
                schema: "outreach",
                table: "Steps",
                columns: new[] { "EnrollmentId", "StepIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Steps_Status_DueAt",
                schema: "outreach",
                table: "Steps",
                columns: new[] { "Status", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Activities",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "RecordedMessages",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "Steps",
                schema: "outreach");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_ProspectId",
                schema: "outreach",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Email",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Phone",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_ProspectId_Active",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                schema: "outreach",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Notes",
                schema: "outreach",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Outcome",
                schema: "outreach",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Email",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Owner",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Phone",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.RenameColumn(
                name: "Contact",
                schema: "outreach",
                table: "Enrollments",
                newName: "Steps");

            migrationBuilder.UpdateData(
                schema: "outreach",
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\"},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null}]");
        }
    }
}
