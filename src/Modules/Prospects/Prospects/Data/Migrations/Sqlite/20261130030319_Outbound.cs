using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Outbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FirstTouchAt",
                table: "Prospects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IcpId",
                table: "Prospects",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastTouchAt",
                table: "Prospects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OutcomeAt",
                table: "Prospects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeReason",
                table: "Prospects",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", nullable: false),
                    Siren = table.Column<string>(type: "TEXT", nullable: true),
                    NafCode = table.Column<string>(type: "TEXT", nullable: true),
                    HeadcountBand = table.Column<string>(type: "TEXT", nullable: true),
                    RevenueBand = table.Column<string>(type: "TEXT", nullable: true),
                    Country = table.Column<string>(type: "TEXT", nullable: true),
                    Departement = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Icps",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Criteria = table.Column<string>(type: "TEXT", nullable: false),
                    MinFit = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Icps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Personas",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    TitleKeywords = table.Column<string>(type: "TEXT", nullable: false),
                    Seniorities = table.Column<string>(type: "TEXT", nullable: false),
                    Function = table.Column<string>(type: "TEXT", nullable: true),
                    CallScript = table.Column<string>(type: "TEXT", nullable: true),
                    TemplateVariant = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Personas", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_NormalizedName",
                table: "Accounts",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Siren",
                table: "Accounts",
                column: "Siren");

            migrationBuilder.CreateIndex(
                name: "IX_Icps_Name",
                table: "Icps",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Accounts");

            migrationBuilder.DropTable(
                name: "Icps");

            migrationBuilder.DropTable(
                name: "Personas");

            migrationBuilder.DropColumn(
                name: "FirstTouchAt",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "IcpId",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "LastTouchAt",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "OutcomeAt",
                table: "Prospects");

            migrationBuilder.DropColumn(
                name: "OutcomeReason",
                table: "Prospects");
        }
    }
}
