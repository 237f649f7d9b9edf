using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadsInbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                schema: "leads",
                table: "Sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActionKey",
                schema: "leads",
                table: "ScoreEntry",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Detail",
                schema: "leads",
                table: "ScoreEntry",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Interest",
                schema: "leads",
                table: "ScoreEntry",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                schema: "leads",
                table: "ScoreEntry",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcceptedAt",
                schema: "leads",
                table: "Leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CampaignId",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                schema: "leads",
                table: "Leads",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompanyKey",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CustomerAt",
                schema: "leads",
                table: "Leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditedFields",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JourneyStage",
                schema: "leads",
                table: "Leads",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "awareness");

            migrationBuilder.AddColumn<string>(
                name: "PhoneAsTyped",
                schema: "leads",
                table: "Leads",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QualifiedAt",
                schema: "leads",
                table: "Leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RejectedAt",
                schema: "leads",
                table: "Leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                schema: "leads",
                table: "LeadConsentEntry",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "any");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                schema: "leads",
                table: "LeadConsentEntry",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "consumer");

            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                schema: "leads",
                table: "LeadConsentEntry",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportErrors",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ImportId = table.Column<string>(type: "text", nullable: false),
                    Row = table.Column<int>(type: "integer", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportErrors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Imports",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    FileName = table.Column<string>(type: "text", nullable: true),
                    StagedFile = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    CreatedBy = table.Column<string>(type: "text", nullable: true),
                    CommittedRow = table.Column<int>(type: "integer", nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false),
                    Created = table.Column<int>(type: "integer", nullable: false),
                    Merged = table.Column<int>(type: "integer", nullable: false),
                    Rejected = table.Column<int>(type: "integer", nullable: false),
                    Encoding = table.Column<string>(type: "text", nullable: true),
                    Delimiter = table.Column<string>(type: "text", nullable: true),
                    Failure = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockedBy = table.Column<string>(type: "text", nullable: true),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Merges",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    LeadId = table.Column<string>(type: "text", nullable: false),
                    MatchedOn = table.Column<string>(type: "text", nullable: false),
                    FilledFields = table.Column<string>(type: "text", nullable: true),
                    Captured = table.Column<string>(type: "text", nullable: false),
                    Reference = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UndoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UndoneBy = table.Column<string>(type: "text", nullable: true),
                    RecreatedLeadId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Merges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MqlDefinitions",
                schema: "leads",
                columns: table => new
                {
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    ChangedBy = table.Column<string>(type: "text", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MqlDefinitions", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "StatusChanges",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LeadId = table.Column<string>(type: "text", nullable: false),
                    From = table.Column<string>(type: "text", nullable: false),
                    To = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    By = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatusChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_ScoreEntry_MergeId",
                schema: "leads",
                table: "ScoreEntry",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CompanyKey",
                schema: "leads",
                table: "Leads",
                column: "CompanyKey");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CreatedAt",
                schema: "leads",
                table: "Leads",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads",
                column: "CustomerAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_PostalCode",
                schema: "leads",
                table: "Leads",
                column: "PostalCode");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads",
                column: "QualifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads",
                column: "RejectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_LeadConsentEntry_MergeId",
                schema: "leads",
                table: "LeadConsentEntry",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportErrors_ImportId_Row",
                schema: "leads",
                table: "ImportErrors",
                columns: new[] { "ImportId", "Row" });

            migrationBuilder.CreateIndex(
                name: "IX_Imports_Status",
                schema: "leads",
                table: "Imports",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Merges_LeadId",
                schema: "leads",
                table: "Merges",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_StatusChanges_LeadId",
                schema: "leads",
                table: "StatusChanges",
                column: "LeadId");

            // Leads stored before: first-touch source from their first source, MQL time from their last update, consent kind from the lead.
            migrationBuilder.Sql("UPDATE \"leads\".\"Leads\" SET \"Channel\" = (SELECT s.\"Channel\" FROM \"leads\".\"Sources\" s WHERE s.\"LeadId\" = \"leads\".\"Leads\".\"Id\" ORDER BY s.\"Id\" LIMIT 1), \"CampaignId\" = (SELECT s.\"CampaignId\" FROM \"leads\".\"Sources\" s WHERE s.\"LeadId\" = \"leads\".\"Leads\".\"Id\" ORDER BY s.\"Id\" LIMIT 1), \"QualifiedAt\" = CASE WHEN \"Status\" <> 'new' THEN \"UpdatedAt\" END;");
            migrationBuilder.Sql("UPDATE \"leads\".\"LeadConsentEntry\" SET \"Kind\" = (SELECT l.\"Kind\" FROM \"leads\".\"Leads\" l WHERE l.\"Id\" = \"leads\".\"LeadConsentEntry\".\"LeadId\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportErrors",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "Imports",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "Merges",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "MqlDefinitions",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "StatusChanges",
                schema: "leads");

            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_ScoreEntry_MergeId",
                schema: "leads",
                table: "ScoreEntry");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CompanyKey",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CreatedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_PostalCode",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_LeadConsentEntry_MergeId",
                schema: "leads",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropColumn(
                name: "ActionKey",
                schema: "leads",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "Detail",
                schema: "leads",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "Interest",
                schema: "leads",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                schema: "leads",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "AcceptedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Channel",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CompanyKey",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CustomerAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "EditedFields",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "JourneyStage",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PhoneAsTyped",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "QualifiedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "RejectedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "RejectionReason",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Channel",
                schema: "leads",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "Kind",
                schema: "leads",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                schema: "leads",
                table: "LeadConsentEntry");
        }
    }
}
