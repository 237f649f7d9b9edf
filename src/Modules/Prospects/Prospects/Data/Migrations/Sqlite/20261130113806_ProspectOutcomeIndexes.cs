using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProspectOutcomeIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Outcome_CreatedAt_Id",
                table: "Prospects",
                columns: new[] { "Outcome", "CreatedAt", "Id" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Outcome_OutcomeAt",
                table: "Prospects",
                columns: new[] { "Outcome", "OutcomeAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Prospects_Outcome_CreatedAt_Id",
                table: "Prospects");

            migrationBuilder.DropIndex(
                name: "IX_Prospects_Outcome_OutcomeAt",
                table: "Prospects");
        }
    }
}
