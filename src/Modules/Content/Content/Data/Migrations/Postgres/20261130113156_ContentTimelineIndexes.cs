using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Content.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContentTimelineIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Visits_LeadId_At",
                schema: "content",
                table: "Visits",
                columns: new[] { "LeadId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_LeadId",
                schema: "content",
                table: "Submissions",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_Downloads_SubmissionId",
                schema: "content",
                table: "Downloads",
                column: "SubmissionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Visits_LeadId_At",
                schema: "content",
                table: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_LeadId",
                schema: "content",
                table: "Submissions");

            migrationBuilder.DropIndex(
                name: "IX_Downloads_SubmissionId",
                schema: "content",
                table: "Downloads");
        }
    }
}
