using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadsInbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                table: "Sources",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActionKey",
                table: "ScoreEntry",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Detail",
                table: "ScoreEntry",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Interest",
                table: "ScoreEntry",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                table: "ScoreEntry",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AcceptedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CampaignId",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "Leads",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompanyKey",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CustomerAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditedFields",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JourneyStage",
                table: "Leads",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "awareness");

            migrationBuilder.AddColumn<string>(
                name: "PhoneAsTyped",
                table: "Leads",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "QualifiedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RejectedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "LeadConsentEntry",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "any");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "LeadConsentEntry",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "consumer");

            migrationBuilder.AddColumn<string>(
                name: "MergeId",
                table: "LeadConsentEntry",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportErrors",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ImportId = table.Column<string>(type: "TEXT", nullable: false),
                    Row = table.Column<int>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportErrors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Imports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", nullable: true),
                    StagedFile = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: true),
                    CommittedRow = table.Column<int>(type: "INTEGER", nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Merged = table.Column<int>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<int>(type: "INTEGER", nullable: false),
                    Encoding = table.Column<string>(type: "TEXT", nullable: true),
                    Delimiter = table.Column<string>(type: "TEXT", nullable: true),
                    Failure = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LockedBy = table.Column<string>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Merges",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    LeadId = table.Column<string>(type: "TEXT", nullable: false),
                    MatchedOn = table.Column<string>(type: "TEXT", nullable: false),
                    FilledFields = table.Column<string>(type: "TEXT", nullable: true),
                    Captured = table.Column<string>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    UndoneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UndoneBy = table.Column<string>(type: "TEXT", nullable: true),
                    RecreatedLeadId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Merges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MqlDefinitions",
                columns: table => new
                {
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MqlDefinitions", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "StatusChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LeadId = table.Column<string>(type: "TEXT", nullable: false),
                    From = table.Column<string>(type: "TEXT", nullable: false),
                    To = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    By = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatusChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                table: "Sources",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_ScoreEntry_MergeId",
                table: "ScoreEntry",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CompanyKey",
                table: "Leads",
                column: "CompanyKey");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CreatedAt",
                table: "Leads",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads",
                column: "CustomerAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_PostalCode",
                table: "Leads",
                column: "PostalCode");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads",
                column: "QualifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads",
                column: "RejectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_LeadConsentEntry_MergeId",
                table: "LeadConsentEntry",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportErrors_ImportId_Row",
                table: "ImportErrors",
                columns: new[] { "ImportId", "Row" });

            migrationBuilder.CreateIndex(
                name: "IX_Imports_Status",
                table: "Imports",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Merges_LeadId",
                table: "Merges",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_StatusChanges_LeadId",
                table: "StatusChanges",
                column: "LeadId");

            // Leads stored before: first-touch source from their first source, MQL time from their last update, consent kind from the lead.
            migrationBuilder.Sql("UPDATE \"Leads\" SET \"Channel\" = (SELECT s.\"Channel\" FROM \"Sources\" s WHERE s.\"LeadId\" = \"Leads\".\"Id\" ORDER BY s.\"Id\" LIMIT 1), \"CampaignId\" = (SELECT s.\"CampaignId\" FROM \"Sources\" s WHERE s.\"LeadId\" = \"Leads\".\"Id\" ORDER BY s.\"Id\" LIMIT 1), \"QualifiedAt\" = CASE WHEN \"Status\" <> 'new' THEN \"UpdatedAt\" END;");
            migrationBuilder.Sql("UPDATE \"LeadConsentEntry\" SET \"Kind\" = (SELECT l.\"Kind\" FROM \"Leads\" l WHERE l.\"Id\" = \"LeadConsentEntry\".\"LeadId\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportErrors");

            migrationBuilder.DropTable(
                name: "Imports");

            migrationBuilder.DropTable(
                name: "Merges");

            migrationBuilder.DropTable(
                name: "MqlDefinitions");

            migrationBuilder.DropTable(
                name: "StatusChanges");

            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_ScoreEntry_MergeId",
                table: "ScoreEntry");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CompanyKey",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CreatedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_PostalCode",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_LeadConsentEntry_MergeId",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                table: "Sources");

            migrationBuilder.DropColumn(
                name: "ActionKey",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "Detail",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "Interest",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                table: "ScoreEntry");

            migrationBuilder.DropColumn(
                name: "AcceptedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CompanyKey",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CustomerAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "EditedFields",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "JourneyStage",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PhoneAsTyped",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "QualifiedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "RejectedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "RejectionReason",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "LeadConsentEntry");

            migrationBuilder.DropColumn(
                name: "MergeId",
                table: "LeadConsentEntry");
        }
    }
}
