using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccountStop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Account",
                schema: "outreach",
                table: "Enrollments",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Account_Status",
                schema: "outreach",
                table: "Enrollments",
                columns: new[] { "Account", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Account_Status",
                schema: "outreach",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Account",
                schema: "outreach",
                table: "Enrollments");
        }
    }
}
