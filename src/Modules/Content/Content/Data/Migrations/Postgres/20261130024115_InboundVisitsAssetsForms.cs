using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Content.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboundVisitsAssetsForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Visits",
                schema: "content",
                table: "LandingPages");

            migrationBuilder.AddColumn<string>(
                name: "AssetId",
                schema: "content",
                table: "Submissions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CampaignId",
                schema: "content",
                table: "Submissions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Consents",
                schema: "content",
                table: "Submissions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LandingPageId",
                schema: "content",
                table: "Submissions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VisitorId",
                schema: "content",
                table: "Submissions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                schema: "content",
                table: "LandingPages",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UpdatedAt",
                schema: "content",
                table: "Forms",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Interest",
                schema: "content",
                table: "Assets",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Downloads",
                schema: "content",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    AssetId = table.Column<string>(type: "text", nullable: false),
                    SubmissionId = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Downloads", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Settings",
                schema: "content",
                columns: table => new
                {
                    Key = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "VisitorLeads",
                schema: "content",
                columns: table => new
                {
                    VisitorId = table.Column<string>(type: "text", nullable: false),
                    LeadId = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VisitorLeads", x => x.VisitorId);
                });

            migrationBuilder.CreateTable(
                name: "Visits",
                schema: "content",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    LandingPageId = table.Column<string>(type: "text", nullable: false),
                    CampaignId = table.Column<string>(type: "text", nullable: true),
                    VisitorId = table.Column<string>(type: "text", nullable: false),
                    Interest = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LeadId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Visits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_SubmittedAt",
                schema: "content",
                table: "Submissions",
                column: "SubmittedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Downloads_AssetId",
                schema: "content",
                table: "Downloads",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_At",
                schema: "content",
                table: "Visits",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_LandingPageId",
                schema: "content",
                table: "Visits",
                column: "LandingPageId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_VisitorId",
                schema: "content",
                table: "Visits",
                column: "VisitorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Downloads",
                schema: "content");

            migrationBuilder.DropTable(
                name: "Settings",
                schema: "content");

            migrationBuilder.DropTable(
                name: "VisitorLeads",
                schema: "content");

            migrationBuilder.DropTable(
                name: "Visits",
                schema: "content");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_SubmittedAt",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "AssetId",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "Consents",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "LandingPageId",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "VisitorId",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "Language",
                schema: "content",
                table: "LandingPages");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                schema: "content",
                table: "Forms");

            migrationBuilder.DropColumn(
                name: "Interest",
                schema: "content",
                table: "Assets");

            migrationBuilder.AddColumn<long>(
                name: "Visits",
                schema: "content",
                table: "LandingPages",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }
    }
}
