using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Outbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Steps",
                table: "Enrollments",
                newName: "Contact");

            migrationBuilder.AddColumn<long>(
                name: "CompletedAt",
                table: "Tasks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "Tasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "Tasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "Enrollments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "Enrollments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                table: "Enrollments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Activities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    ProspectId = table.Column<string>(type: "TEXT", nullable: true),
                    LeadId = table.Column<string>(type: "TEXT", nullable: true),
                    EnrollmentId = table.Column<string>(type: "TEXT", nullable: true),
                    StepId = table.Column<string>(type: "TEXT", nullable: true),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Owner = table.Column<string>(type: "TEXT", nullable: true),
                    Notes = table.Column<string>(type: "TEXT", nullable: true),
                    ProviderMessageId = table.Column<string>(type: "TEXT", nullable: true),
                    EventId = table.Column<string>(type: "TEXT", nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Activities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecordedMessages",
                columns: table => new
                {
                    MessageId = table.Column<string>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", nullable: true),
                    Body = table.Column<string>(type: "TEXT", nullable: true),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordedMessages", x => x.MessageId);
                });

            migrationBuilder.CreateTable(
                name: "Steps",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    EnrollmentId = table.Column<string>(type: "TEXT", nullable: false),
                    ProspectId = table.Column<string>(type: "TEXT", nullable: false),
                    StepIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockedBy = table.Column<string>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    BlockedReason = table.Column<string>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", nullable: true),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Steps", x => x.Id);
                });

            migrationBuilder.UpdateData(
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\",\"branches\":null},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null,\"branches\":null}]");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_ProspectId",
                table: "Tasks",
                column: "ProspectId");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Email",
                table: "Enrollments",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Phone",
                table: "Enrollments",
                column: "Phone");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_ProspectId_Active",
                table: "Enrollments",
                column: "ProspectId",
                unique: true,
                filter: "\"Status\" = 'active'");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_EventId",
                table: "Activities",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Activities_OccurredAt",
                table: "Activities",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_ProspectId",
                table: "Activities",
                column: "ProspectId");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_ProviderMessageId",
                table: "Activities",
                column: "ProviderMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_Steps_EnrollmentId_StepIndex",
                table: "Steps",
                columns: new[] { "EnrollmentId", "StepIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Steps_Status_DueAt",
                table: "Steps",
                columns: new[] { "Status", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Activities");

            migrationBuilder.DropTable(
                name: "RecordedMessages");

            migrationBuilder.DropTable(
                name: "Steps");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_ProspectId",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Email",
                table: "Enrollments");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Phone",
                table: "Enrollments");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_ProspectId_Active",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Email",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Phone",
                table: "Enrollments");

            migrationBuilder.RenameColumn(
                name: "Contact",
                table: "Enrollments",
                newName: "Steps");

            migrationBuilder.UpdateData(
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\"},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null}]");
        }
    }
}
