using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ApiKeyLastUsed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastUsedAt",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastUsedAt",
                table: "ApiKeys");
        }
    }
}
