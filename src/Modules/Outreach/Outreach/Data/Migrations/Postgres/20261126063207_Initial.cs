using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "outreach");

            migrationBuilder.CreateTable(
                name: "Enrollments",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ProspectId = table.Column<string>(type: "text", nullable: false),
                    SequenceId = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    StopReason = table.Column<string>(type: "text", nullable: true),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Enrollments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboxMessages",
                schema: "outreach",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Consumer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxMessages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "OutboxMessages",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    OccurredAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    LockedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LockedUntil = table.Column<long>(type: "bigint", nullable: true),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Sequences",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    StopOnReply = table.Column<bool>(type: "boolean", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sequences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tasks",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    ProspectId = table.Column<string>(type: "text", nullable: false),
                    EnrollmentId = table.Column<string>(type: "text", nullable: false),
                    StepIndex = table.Column<int>(type: "integer", nullable: false),
                    Owner = table.Column<string>(type: "text", nullable: true),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Instructions = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tasks", x => x.Id);
                });

            migrationBuilder.InsertData(
                schema: "outreach",
                table: "Sequences",
                columns: new[] { "Id", "CreatedAt", "IsDefault", "Name", "Steps", "StopOnReply" },
                values: new object[] { "default-callback", new DateTimeOffset(new DateTime(2026, 11, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), true, "Rappel puis étude énergétique gratuite / Callback, then free energy study", "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\"},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null}]", true });

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_ProspectId_SequenceId",
                schema: "outreach",
                table: "Enrollments",
                columns: new[] { "ProspectId", "SequenceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_ProcessedAt_NextAttemptAt",
                schema: "outreach",
                table: "OutboxMessages",
                columns: new[] { "ProcessedAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_Owner_DueAt",
                schema: "outreach",
                table: "Tasks",
                columns: new[] { "Status", "Owner", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Enrollments",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "InboxMessages",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "OutboxMessages",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "Sequences",
                schema: "outreach");

            migrationBuilder.DropTable(
                name: "Tasks",
                schema: "outreach");
        }
    }
}
