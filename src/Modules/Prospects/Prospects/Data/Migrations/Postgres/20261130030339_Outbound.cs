using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Outbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstTouchAt",
                schema: "prospects",
                table: "Prospects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IcpId",
                schema: "prospects",
                table: "Prospects",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastTouchAt",
                schema: "prospects",
                table: "Prospects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OutcomeAt",
                schema: "prospects",
                table: "Prospects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeReason",
                schema: "prospects",
                table: "Prospects",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Accounts",
                schema: "prospects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    NormalizedName = table.Column<string>(type: "text", nullable: false),
                    Siren = table.Column<string>(type: "text", nullable: true),
                    NafCode = table.Column<string>(type: "text", nullable: true),
                    HeadcountBand = table.Column<string>(type: "text", nullable: true),
                    RevenueBand = table.Column<string>(type: "text", nullable: true),
                    Country = table.Column<string>(type: "text", nullable: true),
                    Departement = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Icps",
                schema: "prospects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Criteria = table.Column<string>(type: "text", nullable: false),
                    MinFit = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Icps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Personas",
                schema: "prospects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    TitleKeywords = table.Column<string>(type: "text", nullable: false),
                    Seniorities = table.Column<string>(type: "text", nullable: false),
                    Function = table.Column<string>(type: "text", nullable: true),
                    CallScript = table.Column<string>(type: "text", nullable: true),
                    TemplateVariant = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Personas", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_NormalizedName",
                schema: "prospects",
                table: "Accounts",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Siren",
                schema: "prospects",
                table: "Accounts",
                column: "Siren");

            migrationBuilder.CreateIndex(
                name: "IX_Icps_Name",
                schema: "prospects",
                table: "Icps",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Accounts",
                schema: "prospects");

            migrationBuilder.DropTable(
                name: "Icps",
                schema: "prospects");

            migrationBuilder.DropTable(
                name: "Personas",
                schema: "prospects");

            migrationBuilder.DropColumn(
                name: "FirstTouchAt",
                schema: "prospects",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "IcpId",
                schema: "prospects",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "LastTouchAt",
                schema: "prospects",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "OutcomeAt",
                schema: "prospects",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "OutcomeReason",
                schema: "prospects",
                table: "Prospects");
        }
    }
}
