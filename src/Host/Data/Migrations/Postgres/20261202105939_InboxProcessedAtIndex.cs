using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Host.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboxProcessedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_InboxMessages_ProcessedAt",
                schema: "platform",
                table: "InboxMessages",
                column: "ProcessedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_InboxMessages_ProcessedAt",
                schema: "platform",
                table: "InboxMessages");
        }
    }
}
