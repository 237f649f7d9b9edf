using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProspectOutcomeIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Outcome_CreatedAt_Id",
                schema: "prospects",
                table: "Prospects",
                columns: new[] { "Outcome", "CreatedAt", "Id" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Outcome_OutcomeAt",
                schema: "prospects",
                table: "Prospects",
                columns: new[] { "Outcome", "OutcomeAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Prospects_Outcome_CreatedAt_Id",
                schema: "prospects",
                table: "Prospects");

            migrationBuilder.DropIndex(
                name: "IX_Prospects_Outcome_OutcomeAt",
                schema: "prospects",
                table: "Prospects");
        }
    }
}
