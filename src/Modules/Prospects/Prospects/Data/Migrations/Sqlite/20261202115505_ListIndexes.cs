using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Prospects_Stage_Owner",
                table: "Prospects");

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Owner_Id",
                table: "Prospects",
                columns: new[] { "Owner", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Stage_Id",
                table: "Prospects",
                columns: new[] { "Stage", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Stage_Outcome_CreatedAt_Id",
                table: "Prospects",
                columns: new[] { "Stage", "Outcome", "CreatedAt", "Id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Stage_Owner_Id",
                table: "Prospects",
                columns: new[] { "Stage", "Owner", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Prospects_Owner_Id",
                table: "Prospects");

            migrationBuilder.DropIndex(
                name: "IX_Prospects_Stage_Id",
                table: "Prospects");

            migrationBuilder.DropIndex(
                name: "IX_Prospects_Stage_Outcome_CreatedAt_Id",
                table: "Prospects");

            migrationBuilder.DropIndex(
                name: "IX_Prospects_Stage_Owner_Id",
                table: "Prospects");

            migrationBuilder.CreateIndex(
                name: "IX_Prospects_Stage_Owner",
                table: "Prospects",
                columns: new[] { "Stage", "Owner" });
        }
    }
}
