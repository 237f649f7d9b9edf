using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Content.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContentTimelineIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Visits_LeadId_At",
                table: "Visits",
                columns: new[] { "LeadId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_LeadId",
                table: "Submissions",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_Downloads_SubmissionId",
                table: "Downloads",
                column: "SubmissionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Visits_LeadId_At",
                table: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_LeadId",
                table: "Submissions");

            migrationBuilder.DropIndex(
                name: "IX_Downloads_SubmissionId",
                table: "Downloads");
        }
    }
}
