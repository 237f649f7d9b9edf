using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Content.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundVisitsAssetsForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Visits are rows now. SQLite (3.35+) drops a column in place: EF Core's table rebuild would need
            // PRAGMA foreign_keys outside the transaction, and logs a warning at every fresh install.
            migrationBuilder.Sql("ALTER TABLE \"LandingPages\" DROP COLUMN \"Visits\";");

            migrationBuilder.AddColumn<string>(
                name: "AssetId",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CampaignId",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Consents",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LandingPageId",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VisitorId",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "LandingPages",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "UpdatedAt",
                table: "Forms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Interest",
                table: "Assets",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Downloads",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", nullable: false),
                    SubmissionId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Downloads", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Settings",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "VisitorLeads",
                columns: table => new
                {
                    VisitorId = table.Column<string>(type: "TEXT", nullable: false),
                    LeadId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VisitorLeads", x => x.VisitorId);
                });

            migrationBuilder.CreateTable(
                name: "Visits",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    LandingPageId = table.Column<string>(type: "TEXT", nullable: false),
                    CampaignId = table.Column<string>(type: "TEXT", nullable: true),
                    VisitorId = table.Column<string>(type: "TEXT", nullable: false),
                    Interest = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    LeadId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Visits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_SubmittedAt",
                table: "Submissions",
                column: "SubmittedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Downloads_AssetId",
                table: "Downloads",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_At",
                table: "Visits",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_LandingPageId",
                table: "Visits",
                column: "LandingPageId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_VisitorId",
                table: "Visits",
                column: "VisitorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Downloads");

            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropTable(
                name: "VisitorLeads");

            migrationBuilder.DropTable(
                name: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_SubmittedAt",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "AssetId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "Consents",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "LandingPageId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "VisitorId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "LandingPages");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "Forms");

            migrationBuilder.DropColumn(
                name: "Interest",
                table: "Assets");

            migrationBuilder.AddColumn<long>(
                name: "Visits",
                table: "LandingPages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }
    }
}
